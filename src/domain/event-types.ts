/*
 * The catalog of event types: every topic of the five vendor APIs the gateway unifies, under one
 * dotted naming scheme (family.name) so `family.*` subscriptions work across vendors; and the
 * gateway's own operational events (operational-events.ts), which `*` does not match.
 */
import { FAILING_AFTER_ATTEMPTS, operationalTopics } from './operational-events.ts';
export type EventType = { name: string; description: string };

/** The topic of sendTestEvent's events; tenants cannot publish it. */
export const TEST_TOPIC = 'webhook.test';

export const eventTypes: readonly EventType[] = [
  { name: 'message.received', description: 'An inbound message from a customer (Connectly and Kapso "messages").' },
  { name: 'message.created', description: 'A message was created (org-apps MESSAGE_CREATED).' },
  { name: 'message.sent', description: 'A message left for the channel (org-apps MESSAGE_SENT; Connectly status "sent").' },
  { name: 'message.delivered', description: 'A message reached the recipient (org-apps MESSAGE_DELIVERED; Connectly status "delivered").' },
  { name: 'message.read', description: 'The recipient read a message (Connectly status "read").' },
  { name: 'message.delivery_failed', description: 'A message could not be delivered (Connectly status "delivery_failed").' },
  {
    name: 'message.delivery_status',
    description:
      'Any delivery status update: sent, delivered, read, delivery_failed (Connectly "delivery_status", Kapso "status_updates").',
  },
  { name: 'template.updated', description: 'A message template was created, approved, rejected or changed (Kapso "templates").' },
  { name: 'workflow.created', description: 'A workflow was created (Interactly workflow_created).' },
  { name: 'workflow.updated', description: 'A workflow was changed (Interactly workflow_updated).' },
  { name: 'workflow.deleted', description: 'A workflow was deleted (Interactly workflow_deleted).' },
  { name: 'workflow.run_started', description: 'A workflow run started (Interactly workflow_run_started).' },
  { name: 'workflow.run_completed', description: 'A workflow run finished (Interactly workflow_run_completed).' },
  { name: TEST_TOPIC, description: 'Sent by sendTestEvent to check an endpoint; never published by tenants.' },
  {
    name: operationalTopics.webhookDisabled,
    description:
      'The gateway: a webhook was disabled (failures, 410 Gone, its endpoint asked, or a person); reason in the payload. Not matched by *.',
  },
  { name: operationalTopics.webhookEnabled, description: 'The gateway: a person enabled a webhook again. Not matched by *.' },
  {
    name: operationalTopics.deliveryExhausted,
    description: "The gateway: a delivery used up its retries and is FAILED; the last attempt's summary in the payload. Not matched by *.",
  },
  {
    name: operationalTopics.deliveryFailing,
    description: `The gateway: a delivery failed its ${FAILING_AFTER_ATTEMPTS}th attempt and retries go on. Not matched by *.`,
  },
  { name: operationalTopics.deliveryRecovered, description: 'The gateway: a delivery succeeded after failed attempts. Not matched by *.' },
];

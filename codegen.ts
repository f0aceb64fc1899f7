import type { CodegenConfig } from '@graphql-codegen/cli';

// Types every graphql(`...`) document in the tests against the printed schema.
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: ['test/**/*.ts', '!test/gql/**'],
  ignoreNoDocuments: true,
  // ESM output (import './graphql.js'), which NodeNext resolution requires.
  emitLegacyCommonJSImports: false,
  generates: {
    'test/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', JSON: 'unknown', URL: 'string' },
      },
    },
  },
};

export default config;

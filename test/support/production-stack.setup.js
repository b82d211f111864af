// Each test file of the `e2e-production` project: its apps run on the production stack's stores.
globalThis.JX_E2E_STACK = 'production';

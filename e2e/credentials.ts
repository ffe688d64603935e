/** The first admin that e2e/serve.ts creates and the tests sign in as. */
export const e2eAdmin = { team: "e2e", email: "admin@e2e.example.com", password: "e2e-admin-password" };

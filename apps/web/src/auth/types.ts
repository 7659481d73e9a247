// Interfaces, not types: module augmentation only works by declaration merging.
declare module "next-auth" {
  interface User {
    phone_number?: string;
    full_name?: string | null;
    /** Only between `authorize` and the `jwt` callback; never sent to the browser as part of `user`. */
    apiToken?: string;
  }

  interface Session {
    user: {
      id: string;
      name?: string | null;
      phone_number: string;
      full_name: string | null;
    };
    /** Bearer token for the Parley API (tRPC, REST, WebSocket). */
    apiToken: string;
  }
}

export {};

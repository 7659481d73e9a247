/** next-auth's routes; `/api/auth/*` belongs to the REST API. Shared by the server config and the browser's SessionProvider. */
export const AUTH_BASE_PATH = "/api/nextauth";

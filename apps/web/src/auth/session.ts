import { cache } from "react";

import { auth } from "./config";

/**
 * The current web session, checked once per server render however many
 * layouts and pages ask (each check may call the API).
 */
export const getSession = cache(async () => auth());

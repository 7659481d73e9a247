import { normalizePhoneNumber } from "@parley/validators";

import { formatPhoneNumber } from "./phone";

export type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** `?phone=+1415…` (links between the auth pages carry the number along), ready to show in a field. */
export async function phoneFromSearchParams(searchParams: SearchParams): Promise<string> {
  const { phone } = await searchParams;
  const value = typeof phone === "string" ? normalizePhoneNumber(phone) : null;
  return value ? formatPhoneNumber(value) : "";
}

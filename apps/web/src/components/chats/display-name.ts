import type { PublicProfile } from "@parley/sdk";

import { formatPhoneNumber } from "~/lib/phone";

/** A person's name, or their number when they have none. */
export function displayName(profile: Pick<PublicProfile, "full_name" | "phone_number"> | undefined): string {
  if (!profile) return "";
  return profile.full_name?.trim() || formatPhoneNumber(profile.phone_number);
}

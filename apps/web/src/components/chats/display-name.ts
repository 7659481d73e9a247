import type { PublicProfile } from "@parley/sdk";

import { personName } from "~/lib/people/contact-names";

/** A person as you know them: the name you saved in your contacts, else their own name, else their number. */
export function displayName(profile: Pick<PublicProfile, "full_name" | "phone_number"> | undefined): string {
  return profile ? personName(profile) : "";
}

import { Avatar } from "~/components/ui/avatar";
import { ChatPlusIcon } from "~/components/ui/icons";
import { formatPhoneNumber } from "~/lib/phone";

import { AccountMenu } from "./account-menu";

export type Profile = { id: string; phone_number: string; full_name: string | null };

type ProfileHeaderProps = {
  profile: Profile;
  onLogOut: () => void;
  onLogOutEverywhere: () => void;
  isLoggingOut: boolean;
};

/** Who is signed in, and the account actions. */
export function ProfileHeader({ profile, ...menu }: ProfileHeaderProps) {
  const phone = formatPhoneNumber(profile.phone_number);
  return (
    <header className="flex h-16 shrink-0 items-center gap-3 bg-panel-muted px-4">
      <Avatar name={profile.full_name} seed={profile.phone_number} />
      <div className="min-w-0 flex-1" aria-label="Your profile" role="group">
        <p className="truncate text-[16px] leading-5 font-medium text-ink">{profile.full_name ?? phone}</p>
        <p className="truncate text-[13px] leading-5 text-ink-faint">{phone}</p>
      </div>
      <button
        type="button"
        disabled
        aria-label="New chat"
        title="New chat (coming soon)"
        className="inline-flex size-10 items-center justify-center rounded-full text-ink-muted disabled:cursor-not-allowed disabled:opacity-45"
      >
        <ChatPlusIcon className="size-5" />
      </button>
      <AccountMenu {...menu} />
    </header>
  );
}

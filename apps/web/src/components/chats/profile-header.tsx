import { Avatar } from "~/components/ui/avatar";
import { ChatPlusIcon } from "~/components/ui/icons";
import { Name } from "~/components/ui/name";
import { formatPhoneNumber } from "~/lib/phone";

import { AccountMenu } from "./account-menu";
import { headerButtonClass } from "./header-button";

export type Profile = {
  id: string;
  phone_number: string;
  full_name: string | null;
  profile_picture_media_id?: string | null;
};

type ProfileHeaderProps = {
  profile: Profile;
  onNewChat: () => void;
  onNewGroup: () => void;
  onContacts: () => void;
  onProfile: () => void;
  onPrivacy: () => void;
  onDevices: () => void;
  onLogOut: () => void;
  onLogOutEverywhere: () => void;
  isLoggingOut: boolean;
};

/** Who is signed in (their picture opens the profile), "New chat", and the menu. */
export function ProfileHeader({ profile, onNewChat, ...menu }: ProfileHeaderProps) {
  const phone = formatPhoneNumber(profile.phone_number);
  return (
    <header className="flex h-16 shrink-0 items-center gap-3 bg-panel-muted px-4">
      <button
        type="button"
        aria-label="Open your profile"
        title="Profile"
        onClick={menu.onProfile}
        className="shrink-0 cursor-pointer rounded-full"
      >
        <Avatar name={profile.full_name} seed={profile.phone_number} mediaId={profile.profile_picture_media_id} />
      </button>
      <div className="min-w-0 flex-1" aria-label="Your profile" role="group">
        <p className="truncate text-[16px] leading-5 font-medium text-ink">
          <Name>{profile.full_name ?? phone}</Name>
        </p>
        <p className="truncate text-[13px] leading-5 text-ink-faint">{phone}</p>
      </div>
      <button type="button" aria-label="New chat" title="New chat" onClick={onNewChat} className={headerButtonClass}>
        <ChatPlusIcon className="size-5" />
      </button>
      <AccountMenu {...menu} />
    </header>
  );
}

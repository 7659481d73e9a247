"use client";

import {
  ContactsIcon,
  DevicesIcon,
  GroupIcon,
  LockIcon,
  LogOutIcon,
  MoreIcon,
  PersonIcon,
} from "~/components/ui/icons";
import { Menu } from "~/components/ui/menu";

import { Spinner } from "~/components/ui/spinner";

import { headerButtonClass, headerButtonOpenClass } from "./header-button";

type AccountMenuProps = {
  onNewGroup: () => void;
  onContacts: () => void;
  onProfile: () => void;
  onPrivacy: () => void;
  onDevices: () => void;
  onLogOut: () => void;
  onLogOutEverywhere: () => void;
  isLoggingOut: boolean;
};

/** The "⋮" menu of the chat list header. */
export function AccountMenu({
  onNewGroup,
  onContacts,
  onProfile,
  onPrivacy,
  onDevices,
  onLogOut,
  onLogOutEverywhere,
  isLoggingOut,
}: AccountMenuProps) {
  return (
    <Menu
      label="Menu"
      menuLabel="Account"
      width={256}
      buttonClassName={headerButtonClass}
      openButtonClassName={headerButtonOpenClass}
      items={[
        { label: "New group", icon: <GroupIcon className="size-5" />, onSelect: onNewGroup },
        { label: "Contacts", icon: <ContactsIcon className="size-5" />, onSelect: onContacts },
        { label: "Profile", icon: <PersonIcon className="size-5" />, onSelect: onProfile },
        { label: "Privacy", icon: <LockIcon className="size-5" />, onSelect: onPrivacy },
        { label: "Linked devices", icon: <DevicesIcon className="size-5" />, onSelect: onDevices },
        { label: "Log out", icon: <LogOutIcon className="size-5" />, onSelect: onLogOut, disabled: isLoggingOut },
        {
          label: "Log out on all devices",
          icon: <DevicesIcon className="size-5" />,
          onSelect: onLogOutEverywhere,
          disabled: isLoggingOut,
        },
      ]}
    >
      {isLoggingOut ? <Spinner className="size-5" /> : <MoreIcon className="size-5" />}
    </Menu>
  );
}

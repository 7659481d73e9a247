"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSession } from "next-auth/react";
import { useEffect, useState } from "react";

import { ContactsPanel } from "~/components/people/contacts-panel";
import { PrivacyPanel } from "~/components/people/privacy-panel";
import { ProfilePanel } from "~/components/people/profile-panel";
import { useContactsSync } from "~/components/people/use-contacts";
import { Alert } from "~/components/ui/alert";
import { cx } from "~/components/ui/cx";
import { toApiProblem } from "~/lib/api-error";
import { directKey, parseKey } from "~/lib/chat/state";
import { forgetDeviceKeys } from "~/lib/chat/engine/encryption";
import { endWebSession } from "~/lib/end-web-session";
import { useTRPC } from "~/trpc/react";

import { ChatEngineProvider } from "./chat-engine";
import { ChatList } from "./chat-list";
import { ChatPlaceholder } from "./chat-placeholder";
import { ConnectionBanner } from "./connection-banner";
import { EncryptionDialogs, LinkedDevicesPanel } from "./encryption";
import { Conversation } from "./conversation";
import { GroupConversation } from "./group-conversation";
import { NewChatPanel } from "./new-chat-panel";
import { NewGroupPanel } from "./new-group-panel";
import { ProfileHeader, type Profile } from "./profile-header";
import { useOpenChat } from "./use-open-chat";
import { useUnreadTitle } from "./use-unread-title";

type ChatsScreenProps = {
  user: Profile;
  /** PUBLIC_WS_URL when the deployment has WebSocket servers of its own; null for /ws on this host. */
  publicWsUrl: string | null;
};

/**
 * The signed-in home: the chat list and the open conversation (1:1 or group) side by side,
 * or, on a phone, one at a time with a back button.
 */
export function ChatsScreen({ user, publicWsUrl }: ChatsScreenProps) {
  return (
    <ChatEngineProvider key={user.id} selfId={Number(user.id)} publicWsUrl={publicWsUrl}>
      <ChatsLayout user={user} />
    </ChatEngineProvider>
  );
}

/** What covers the chat list for a while: one panel at a time. */
type Panel =
  | { kind: "new-chat"; phone: string }
  | { kind: "new-group" }
  | { kind: "contacts" }
  | { kind: "profile" }
  | { kind: "privacy" }
  | { kind: "devices" };

function ChatsLayout({ user }: { user: Profile }) {
  const profile = useProfile(user);
  const { isLoggingOut, logOut, logOutEverywhere, error } = useLogOut(Number(user.id));
  const { active, openChat, closeChat } = useOpenChat();
  const [panel, setPanel] = useState<Panel | null>(null);
  const opened = active === null ? null : parseKey(active);
  useUnreadTitle();
  // Re-renders the screen when the names you saved change, so every name on it follows.
  useContactsSync();
  const closePanel = () => setPanel(null);

  return (
    <div className="relative h-dvh overflow-hidden bg-app lg:px-5 lg:py-5">
      <div aria-hidden="true" className="absolute inset-x-0 top-0 hidden h-32 bg-band lg:block" />
      <div className="relative mx-auto flex h-full max-w-[1600px] overflow-hidden bg-panel lg:shadow-[0_6px_18px_rgba(11,20,26,0.18)]">
        <aside
          aria-label="Chats"
          className={cx(
            "relative w-full min-w-0 flex-col border-line md:flex md:w-[40%] md:max-w-[460px] md:min-w-[320px] md:border-r lg:w-[32%]",
            active === null ? "flex" : "hidden",
          )}
        >
          <ProfileHeader
            profile={profile}
            onNewChat={() => setPanel({ kind: "new-chat", phone: "" })}
            onNewGroup={() => setPanel({ kind: "new-group" })}
            onContacts={() => setPanel({ kind: "contacts" })}
            onProfile={() => setPanel({ kind: "profile" })}
            onPrivacy={() => setPanel({ kind: "privacy" })}
            onDevices={() => setPanel({ kind: "devices" })}
            onLogOut={logOut}
            onLogOutEverywhere={logOutEverywhere}
            isLoggingOut={isLoggingOut}
          />
          <ConnectionBanner />
          <EncryptionDialogs />
          {error && <Alert className="m-3">{error}</Alert>}
          <ChatList
            active={active}
            onOpen={openChat}
            onNewChat={(phone) => setPanel({ kind: "new-chat", phone: phone ?? "" })}
          />
          {panel?.kind === "new-chat" && (
            <NewChatPanel
              initialPhone={panel.phone}
              onClose={closePanel}
              onOpen={(id) => {
                closePanel();
                openChat(directKey(id));
              }}
            />
          )}
          {panel?.kind === "new-group" && (
            <NewGroupPanel
              onClose={closePanel}
              onCreated={(key) => {
                closePanel();
                openChat(key);
              }}
            />
          )}
          {panel?.kind === "contacts" && (
            <ContactsPanel
              onClose={closePanel}
              onMessage={(userId) => {
                closePanel();
                openChat(directKey(userId));
              }}
            />
          )}
          {panel?.kind === "profile" && <ProfilePanel onClose={closePanel} />}
          {panel?.kind === "privacy" && <PrivacyPanel onClose={closePanel} />}
          {panel?.kind === "devices" && <LinkedDevicesPanel onClose={closePanel} />}
        </aside>
        {opened === null ? (
          <ChatPlaceholder />
        ) : opened.kind === "group" ? (
          <GroupConversation key={active} groupId={opened.id} onBack={closeChat} />
        ) : (
          <Conversation key={active} peerId={opened.id} onBack={closeChat} />
        )}
      </div>
    </div>
  );
}

/** The session's copy of the profile at once, then the API's fresh one. */
function useProfile(user: Profile): Profile {
  const trpc = useTRPC();
  const me = useQuery(trpc.user.me.queryOptions());
  const { status } = useSession();
  const isRevoked = me.error ? toApiProblem(me.error).code === "UNAUTHORIZED" : false;

  useEffect(() => {
    // The API token was revoked elsewhere (password reset, "all devices"): this session is over.
    if (isRevoked || status === "unauthenticated") void endWebSession();
  }, [isRevoked, status]);

  if (!me.data) return user;
  return {
    id: String(me.data.id),
    phone_number: me.data.phone_number,
    full_name: me.data.full_name,
    profile_picture_media_id: me.data.profile_picture_media_id,
  };
}

function useLogOut(selfId: number) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const logoutEverywhere = useMutation(trpc.auth.logout.mutationOptions());
  const [isLoggingOut, setIsLoggingOut] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function logOut() {
    setIsLoggingOut(true);
    setError(null);
    queryClient.clear();
    // Nothing of the encrypted chats stays in this browser: signing in again is a new device.
    await forgetDeviceKeys(selfId);
    // Revokes the API token too (events.signOut), then loads the login page afresh.
    await endWebSession();
  }

  async function logOutEverywhere() {
    setIsLoggingOut(true);
    setError(null);
    try {
      await logoutEverywhere.mutateAsync({ all_devices: true });
    } catch (cause) {
      setIsLoggingOut(false);
      setError(toApiProblem(cause).message);
      return;
    }
    await logOut();
  }

  return { isLoggingOut, error, logOut: () => void logOut(), logOutEverywhere: () => void logOutEverywhere() };
}

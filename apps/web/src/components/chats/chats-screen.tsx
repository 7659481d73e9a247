"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { signOut, useSession } from "next-auth/react";
import { useEffect, useState } from "react";

import { Alert } from "~/components/ui/alert";
import { cx } from "~/components/ui/cx";
import { toApiProblem } from "~/lib/api-error";
import { directKey, parseKey } from "~/lib/chat/state";
import { useTRPC } from "~/trpc/react";

import { ChatEngineProvider } from "./chat-engine";
import { ChatList } from "./chat-list";
import { ChatPlaceholder } from "./chat-placeholder";
import { ConnectionBanner } from "./connection-banner";
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

function ChatsLayout({ user }: { user: Profile }) {
  const profile = useProfile(user);
  const { isLoggingOut, logOut, logOutEverywhere, error } = useLogOut();
  const { active, openChat, closeChat } = useOpenChat();
  const [newChat, setNewChat] = useState<{ phone: string } | null>(null);
  const [isNewGroup, setIsNewGroup] = useState(false);
  const opened = active === null ? null : parseKey(active);
  useUnreadTitle();

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
            onNewChat={() => setNewChat({ phone: "" })}
            onNewGroup={() => setIsNewGroup(true)}
            onLogOut={logOut}
            onLogOutEverywhere={logOutEverywhere}
            isLoggingOut={isLoggingOut}
          />
          <ConnectionBanner />
          {error && <Alert className="m-3">{error}</Alert>}
          <ChatList active={active} onOpen={openChat} onNewChat={(phone) => setNewChat({ phone: phone ?? "" })} />
          {newChat && (
            <NewChatPanel
              initialPhone={newChat.phone}
              onClose={() => setNewChat(null)}
              onOpen={(id) => {
                setNewChat(null);
                openChat(directKey(id));
              }}
            />
          )}
          {isNewGroup && (
            <NewGroupPanel
              onClose={() => setIsNewGroup(false)}
              onCreated={(key) => {
                setIsNewGroup(false);
                openChat(key);
              }}
            />
          )}
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
    if (isRevoked || status === "unauthenticated") void signOut({ redirectTo: "/login" });
  }, [isRevoked, status]);

  if (!me.data) return user;
  return { id: String(me.data.id), phone_number: me.data.phone_number, full_name: me.data.full_name };
}

function useLogOut() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const logoutEverywhere = useMutation(trpc.auth.logout.mutationOptions());
  const [isLoggingOut, setIsLoggingOut] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function logOut() {
    setIsLoggingOut(true);
    setError(null);
    queryClient.clear();
    // Revokes the API token too (events.signOut), then loads the login page afresh.
    await signOut({ redirectTo: "/login" });
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

import type { Metadata } from "next";
import { redirect } from "next/navigation";

import { getSession } from "~/auth";
import { ChatsScreen } from "~/components/chats/chats-screen";
import { env } from "~/env";

export const metadata: Metadata = { title: "Chats" };

export default async function ChatsPage() {
  const session = await getSession();
  if (!session) redirect("/login");
  const { id, phone_number, full_name } = session.user;
  // Read at request time, so one build serves any deployment's WebSocket address.
  return <ChatsScreen user={{ id, phone_number, full_name }} publicWsUrl={env.PUBLIC_WS_URL ?? null} />;
}

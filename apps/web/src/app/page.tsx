import { redirect } from "next/navigation";

import { getSession } from "~/auth";

export default async function Home() {
  redirect((await getSession()) ? "/chats" : "/login");
}

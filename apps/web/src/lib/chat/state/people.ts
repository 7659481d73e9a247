import type { ChatAction, ChatState } from "./types";

/** The people slice: everyone's profile (with presence), and whom I blocked. */
export type PeopleSlice = Pick<ChatState, "profiles" | "blocked">;

type Profiles = ChatState["profiles"];

function reduceProfiles(profiles: Profiles, action: ChatAction): Profiles {
  switch (action.type) {
    case "chats_loaded":
    case "chat_upserted": {
      const items = action.type === "chats_loaded" ? action.chats : [action.chat];
      const peers = items.flatMap((item) => (item.type === "direct" ? [item.peer] : []));
      if (peers.length === 0) return profiles;
      return { ...profiles, ...Object.fromEntries(peers.map((peer) => [peer.id, peer])) };
    }
    case "group_loaded": {
      const next = { ...profiles };
      for (const member of action.group.members) next[member.user_id] = member.profile;
      return next;
    }
    case "profile_upserted":
      return { ...profiles, [action.profile.id]: action.profile };
    case "presence": {
      const profile = profiles[action.userId];
      if (!profile) return profiles;
      return {
        ...profiles,
        // Going offline with no last seen means it is hidden from us now (privacy, a block): clear it.
        [action.userId]: {
          ...profile,
          is_online: action.isOnline,
          last_seen: action.isOnline ? profile.last_seen : action.lastSeen,
        },
      };
    }
    default:
      return profiles;
  }
}

function reduceBlocked(blocked: ChatState["blocked"], action: ChatAction): ChatState["blocked"] {
  switch (action.type) {
    case "blocked_loaded":
      return Object.fromEntries(action.userIds.map((id) => [id, true as const]));
    case "block_changed": {
      const next = { ...blocked };
      if (action.isBlocked) next[action.userId] = true;
      else delete next[action.userId];
      return next;
    }
    default:
      return blocked;
  }
}

export function reducePeople(state: ChatState, action: ChatAction): PeopleSlice {
  return { profiles: reduceProfiles(state.profiles, action), blocked: reduceBlocked(state.blocked, action) };
}

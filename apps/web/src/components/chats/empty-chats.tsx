import { ChatBubblesIcon } from "~/components/ui/icons";

export function EmptyChats({ onNewChat }: { onNewChat: () => void }) {
  return (
    <div className="flex h-full flex-col items-center justify-center px-10 pb-16 text-center">
      <span className="mb-5 inline-flex size-20 items-center justify-center rounded-full bg-accent-soft text-accent-strong">
        <ChatBubblesIcon className="size-9" strokeWidth={1.6} />
      </span>
      <h2 className="text-lg font-medium text-ink">No chats yet</h2>
      <p className="mt-1.5 max-w-[260px] text-sm leading-5 text-ink-faint">
        Start a conversation with anyone on Parley by their phone number.
      </p>
      <button
        type="button"
        onClick={onNewChat}
        className="mt-5 h-10 cursor-pointer rounded-full bg-accent px-5 text-sm font-medium text-accent-ink shadow-sm hover:bg-accent-strong"
      >
        Start a chat
      </button>
    </div>
  );
}

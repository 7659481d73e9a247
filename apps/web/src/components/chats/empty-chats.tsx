import { ChatBubblesIcon } from "~/components/ui/icons";

export function EmptyChats() {
  return (
    <div className="flex flex-1 flex-col items-center justify-center px-10 pb-16 text-center">
      <span className="mb-5 inline-flex size-20 items-center justify-center rounded-full bg-accent-soft text-accent-strong">
        <ChatBubblesIcon className="size-9" strokeWidth={1.6} />
      </span>
      <h2 className="text-lg font-medium text-ink">No chats yet</h2>
      <p className="mt-1.5 max-w-[260px] text-sm leading-5 text-ink-faint">
        When you start a conversation, it will show up here.
      </p>
    </div>
  );
}

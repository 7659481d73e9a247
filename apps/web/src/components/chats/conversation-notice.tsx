import { Button } from "~/components/ui/button";

type ConversationNoticeProps = {
  /** "alert" for a failure, "status" for news. */
  role: "alert" | "status";
  text: string;
  buttonLabel: string;
  buttonVariant?: "primary" | "secondary";
  onClick: () => void;
};

/** Takes the message list's place when there is nothing to show: why, and a way on. */
export function ConversationNotice({ role, text, buttonLabel, buttonVariant, onClick }: ConversationNoticeProps) {
  return (
    <div role={role} className="flex flex-1 flex-col items-center justify-center gap-4 px-8 text-center">
      <p className="text-sm text-ink-muted">{text}</p>
      <Button className="w-auto" variant={buttonVariant} onClick={onClick}>
        {buttonLabel}
      </Button>
    </div>
  );
}

import { cx } from "~/components/ui/cx";
import { Name } from "~/components/ui/name";
import { previewText } from "~/lib/chat/media";
import type { ReplyPreview } from "~/lib/chat/state";

import { useMediaUrl } from "./use-media-url";

/** The quoted message at the top of a reply; a click scrolls to the original. */
export function QuotedMessage({
  reply,
  isMine,
  selfId,
  authorName,
  onJump,
}: {
  reply: ReplyPreview;
  isMine: boolean;
  selfId: number;
  /** Who wrote the quoted message ("You" when it was the reader). */
  authorName: string;
  onJump: (messageId: number) => void;
}) {
  const isQuotingMe = reply.sender_id === selfId;
  const text = previewText({ ...reply, location: reply.location_name ? { name: reply.location_name } : null });
  return (
    <button
      type="button"
      onClick={() => onJump(reply.id)}
      aria-label={`Reply to ${isQuotingMe ? "you" : authorName}: ${reply.is_deleted ? "deleted message" : text}`}
      data-testid="quoted-message"
      className={cx(
        "mb-1 flex w-full min-w-0 cursor-pointer overflow-hidden rounded-md text-left",
        isMine ? "bg-quote-out" : "bg-quote-in",
      )}
    >
      <span className={cx("w-1 shrink-0", isQuotingMe ? "bg-accent" : "bg-[#7f66ff]")} />
      <span className="min-w-0 px-2 py-1.5">
        <span className={cx("block text-[12.8px] font-medium", isQuotingMe ? "text-accent-strong" : "text-[#7f66ff]")}>
          {isQuotingMe ? "You" : <Name>{authorName}</Name>}
        </span>
        <span className="line-clamp-3 text-[13px] leading-[18px] break-words whitespace-pre-wrap text-ink-muted">
          {reply.is_deleted ? <i>This message was deleted</i> : text}
        </span>
      </span>
      {reply.media?.has_thumbnail && <QuotedThumbnail mediaId={reply.media.id} />}
    </button>
  );
}

/** The quoted photo's or video's thumbnail, as WhatsApp shows it at the quote's end. */
function QuotedThumbnail({ mediaId }: { mediaId: string }) {
  const { url, onLoadError } = useMediaUrl(mediaId, "thumbnail");
  if (!url) return null;
  return <img src={url} alt="" onError={onLoadError} className="ml-auto size-14 shrink-0 object-cover" />;
}

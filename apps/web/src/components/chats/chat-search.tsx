import { cx } from "~/components/ui/cx";
import { CloseIcon, SearchIcon, StarIcon } from "~/components/ui/icons";

import { headerButtonClass } from "./header-button";

type ChatSearchProps = {
  value: string;
  onChange: (value: string) => void;
  onOpenStarred: () => void;
};

/** Filters the chat list by name or number as you type, and finds messages by their words; ★ opens the starred ones. */
export function ChatSearch({ value, onChange, onOpenStarred }: ChatSearchProps) {
  return (
    <div className="flex items-center gap-1 pt-2 pr-1.5 pb-1.5 pl-3">
      <label className="relative block min-w-0 flex-1">
        <span className="sr-only">Search chats and messages</span>
        <SearchIcon className="pointer-events-none absolute top-1/2 left-4 size-4 -translate-y-1/2 text-ink-faint" />
        <input
          type="search"
          value={value}
          onChange={(event) => onChange(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === "Escape") onChange("");
          }}
          placeholder="Search or start a new chat"
          autoComplete="off"
          className="h-9 w-full rounded-lg bg-panel-muted pr-10 pl-12 text-[15px] text-ink outline-none placeholder:text-ink-faint focus:bg-field focus:ring-2 focus:ring-accent/40 [&::-webkit-search-cancel-button]:hidden"
        />
        {value && (
          <button
            type="button"
            aria-label="Clear search"
            onClick={() => onChange("")}
            className="absolute top-1/2 right-2 inline-flex size-7 -translate-y-1/2 cursor-pointer items-center justify-center rounded-full text-ink-faint hover:text-ink"
          >
            <CloseIcon className="size-4" />
          </button>
        )}
      </label>
      <button
        type="button"
        aria-label="Starred messages"
        title="Starred messages"
        onClick={onOpenStarred}
        className={cx(headerButtonClass, "size-9")}
      >
        <StarIcon className="size-[18px]" />
      </button>
    </div>
  );
}

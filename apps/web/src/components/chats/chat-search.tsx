import { CloseIcon, SearchIcon } from "~/components/ui/icons";

/** Filters the chat list by name or number as you type. */
export function ChatSearch({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  return (
    <div className="px-3 pt-2 pb-1.5">
      <label className="relative block">
        <span className="sr-only">Search chats</span>
        <SearchIcon className="pointer-events-none absolute top-1/2 left-4 size-4 -translate-y-1/2 text-ink-faint" />
        <input
          type="search"
          value={value}
          onChange={(event) => onChange(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === "Escape") onChange("");
          }}
          placeholder="Search by name or number"
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
    </div>
  );
}

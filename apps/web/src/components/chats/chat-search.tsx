import { SearchIcon } from "~/components/ui/icons";

export function ChatSearch() {
  return (
    <div className="border-b border-line px-3 py-2">
      <label className="relative block">
        <span className="sr-only">Search chats</span>
        <SearchIcon className="pointer-events-none absolute top-1/2 left-4 size-4 -translate-y-1/2 text-ink-faint" />
        <input
          type="search"
          disabled
          placeholder="Search or start a new chat"
          title="Search arrives with your first chats"
          className="h-9 w-full rounded-lg bg-panel-muted pr-4 pl-12 text-[15px] text-ink placeholder:text-ink-faint disabled:cursor-not-allowed"
        />
      </label>
    </div>
  );
}

import { cx } from "~/components/ui/cx";
import { StarIcon } from "~/components/ui/icons";
import { SearchField } from "~/components/ui/search-field";

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
      <SearchField
        label="Search chats and messages"
        value={value}
        onChange={onChange}
        placeholder="Search or start a new chat"
      />
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

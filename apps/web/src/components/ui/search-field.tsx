import { CloseIcon, SearchIcon } from "./icons";

/**
 * A search box with a clear button. Escape clears what was typed and stops there, so an enclosing
 * panel doesn't close with it; on an empty box Escape goes on as usual.
 */
export function SearchField({
  label,
  value,
  onChange,
  placeholder,
}: {
  /** For screen readers ("Search contacts"). */
  label: string;
  value: string;
  onChange: (value: string) => void;
  placeholder: string;
}) {
  return (
    <label className="relative block min-w-0 flex-1">
      <span className="sr-only">{label}</span>
      <SearchIcon className="pointer-events-none absolute top-1/2 left-4 size-4 -translate-y-1/2 text-ink-faint" />
      <input
        type="search"
        value={value}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Escape" && value) {
            event.stopPropagation();
            onChange("");
          }
        }}
        placeholder={placeholder}
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
  );
}

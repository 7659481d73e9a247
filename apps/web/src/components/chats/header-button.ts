/** The round icon buttons of the panel headers (new chat, menus, back). */
export const headerButtonClass =
  "inline-flex size-10 shrink-0 cursor-pointer items-center justify-center rounded-full text-ink-muted transition-colors hover:bg-black/5 disabled:cursor-not-allowed disabled:opacity-45 dark:hover:bg-white/10";

export const headerButtonOpenClass = "bg-black/5 dark:bg-white/10";

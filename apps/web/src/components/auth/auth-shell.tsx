import type { ReactNode } from "react";

import { ChatBubblesIcon, DevicesIcon, LockIcon, PhoneIcon } from "~/components/ui/icons";
import { Logo } from "~/components/ui/logo";

/** WhatsApp-Web-style frame for the signed-out pages: a coloured band and a centred card. */
export function AuthShell({ children }: { children: ReactNode }) {
  return (
    <div className="relative min-h-dvh bg-panel sm:bg-app">
      <div aria-hidden="true" className="absolute inset-x-0 top-0 hidden h-[222px] bg-band sm:block" />
      <div className="relative mx-auto flex min-h-dvh w-full max-w-[1000px] flex-col sm:px-6 sm:pb-10">
        <header className="flex h-16 shrink-0 items-center px-6 text-accent sm:h-[104px] sm:px-1 sm:text-white">
          <Logo />
        </header>
        <main className="grid flex-1 overflow-hidden bg-panel sm:flex-none sm:rounded-xl sm:shadow-[0_17px_50px_0_rgba(11,20,26,0.19),0_12px_15px_0_rgba(11,20,26,0.24)] md:grid-cols-[minmax(0,1fr)_340px]">
          <div className="px-6 pt-4 pb-12 sm:px-14 sm:py-14">
            <div className="mx-auto max-w-[400px] md:mx-0">{children}</div>
          </div>
          <AuthAside />
        </main>
      </div>
    </div>
  );
}

const features = [
  { icon: ChatBubblesIcon, title: "Conversations that keep up", text: "Real-time messaging with the people you know." },
  { icon: PhoneIcon, title: "Your number is your account", text: "Sign up with a code sent by SMS." },
  { icon: DevicesIcon, title: "Phone or computer", text: "Parley Web fits whatever screen you have." },
  { icon: LockIcon, title: "Sessions you control", text: "Log out of every device in one tap." },
] as const;

function AuthAside() {
  return (
    <aside
      aria-label="About Parley"
      className="hidden flex-col justify-center gap-7 border-l border-line bg-panel-muted px-9 py-12 md:flex"
    >
      <ChatPreview />
      <ul className="space-y-4">
        {features.map(({ icon: Icon, title, text }) => (
          <li key={title} className="flex gap-3">
            <span className="mt-0.5 inline-flex size-8 shrink-0 items-center justify-center rounded-full bg-accent-soft text-accent-strong">
              <Icon className="size-4" />
            </span>
            <span className="text-sm leading-5">
              <span className="block font-medium text-ink">{title}</span>
              <span className="text-ink-faint">{text}</span>
            </span>
          </li>
        ))}
      </ul>
    </aside>
  );
}

/** A few decorative bubbles: what the product looks like, at a glance. */
function ChatPreview() {
  return (
    <div aria-hidden="true" className="space-y-1.5 rounded-xl bg-wallpaper p-4 text-[13px] leading-5 shadow-inner">
      <p className="w-fit max-w-[85%] rounded-lg rounded-tl-none bg-panel px-2.5 py-1.5 text-ink shadow-sm">
        Are we still on for Friday?
      </p>
      <p className="ml-auto w-fit max-w-[85%] rounded-lg rounded-tr-none bg-accent-soft px-2.5 py-1.5 text-ink shadow-sm">
        Yes! 7pm at the usual place
        <span className="ml-2 text-[11px] text-ink-faint">19:02 ✓✓</span>
      </p>
      <p className="w-fit max-w-[85%] rounded-lg rounded-tl-none bg-panel px-2.5 py-1.5 text-ink shadow-sm">
        See you there
      </p>
    </div>
  );
}

import type { ReactNode } from "react";

export function AuthHeading({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="mb-7 space-y-2">
      <h1 className="text-[26px] leading-tight font-light text-ink sm:text-[28px]">{title}</h1>
      {children && <div className="text-[15px] leading-6 text-ink-muted">{children}</div>}
    </div>
  );
}

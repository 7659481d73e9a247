import { GeistMono } from "geist/font/mono";
import { GeistSans } from "geist/font/sans";
import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";

import { getSession } from "~/auth";

import { Providers } from "./providers";

import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Parley", template: "%s · Parley" },
  description: "Simple, reliable messaging with the people you know.",
  applicationName: "Parley",
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#00a884" },
    { media: "(prefers-color-scheme: dark)", color: "#0c1317" },
  ],
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Handing the session to the client up front means the first tRPC call already carries the token.
  const session = await getSession();
  return (
    <html lang="en" className={`${GeistSans.variable} ${GeistMono.variable}`}>
      <body>
        <Providers session={session}>{children}</Providers>
      </body>
    </html>
  );
}

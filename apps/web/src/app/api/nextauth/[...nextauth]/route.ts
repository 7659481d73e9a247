import type { NextRequest } from "next/server";

import { handlers } from "~/auth";
import { onBrowserOrigin } from "~/auth/browser-origin";

export const GET = (req: NextRequest) => handlers.GET(onBrowserOrigin(req));
export const POST = (req: NextRequest) => handlers.POST(onBrowserOrigin(req));

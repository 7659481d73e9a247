import { z } from "zod";

import { idSchema } from "./common";
import { userSummaryOutput } from "./user";

export const blockInput = z.object({ user_id: idSchema });

export const blockedUserOutput = userSummaryOutput.extend({ blocked_at: z.iso.datetime() });

export const blockedListOutput = z.object({ blocked: z.array(blockedUserOutput) });

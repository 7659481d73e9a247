export * from "./client";
export * as schema from "./schema";
export type { InferInsertModel, InferSelectModel } from "drizzle-orm";

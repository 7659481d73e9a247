export * from "./common";
export * from "./auth";
export * from "./user";
export * from "./message";
export * from "./group";
export * from "./chat";
export * from "./contact";
export * from "./event";

export { auth, handlers } from "./config";
export { getSession } from "./session";

import { authRouter } from "./router/auth";
import { chatRouter } from "./router/chat";
import { contactRouter } from "./router/contact";
import { deviceRouter } from "./router/device";
import { e2eeRouter } from "./router/e2ee";
import { eventRouter } from "./router/event";
import { groupRouter } from "./router/group";
import { mediaRouter } from "./router/media";
import { messageRouter } from "./router/message";
import { userRouter } from "./router/user";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  auth: authRouter,
  user: userRouter,
  chat: chatRouter,
  group: groupRouter,
  message: messageRouter,
  media: mediaRouter,
  contact: contactRouter,
  device: deviceRouter,
  e2ee: e2eeRouter,
  event: eventRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);

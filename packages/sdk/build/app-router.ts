/**
 * The router as a client sees it, for the published declarations only (tsconfig.build.json maps
 * `@parley/api` here). The server's `AppRouter` carries its context (database, store, logger) and
 * its OpenAPI meta, whose types a consumer of the SDK can't resolve; a client needs neither. The
 * value below exists so that the compiler writes the type out in full: an inferred type is
 * printed structurally, a named one by its name, which would drag the server's modules along.
 */
import type {
  AnyTRPCRouter,
  inferRouterInputs,
  inferRouterOutputs,
  TRPCBuiltRouter,
  TRPCMutationProcedure,
  TRPCQueryProcedure,
  TRPCSubscriptionProcedure,
} from "@trpc/server";

import type { AppRouter as ServerRouter } from "../../api/src/root";

type RootTypes<TRouter extends AnyTRPCRouter> = TRouter["_def"]["_config"]["$types"];
type ErrorShape<TRouter extends AnyTRPCRouter> = RootTypes<TRouter>["errorShape"];
type Domains<TRouter extends AnyTRPCRouter> = TRouter["_def"]["record"];
type ZodErrors<TRouter extends AnyTRPCRouter> = NonNullable<ErrorShape<TRouter>["data"]["zodError"]>;

// Every level is an anonymous mapped type, not a named helper: the printer would otherwise write the
// helper's name with the server's types as its arguments. Routers here are one level deep (domain.verb).
declare function clientView<TRouter extends AnyTRPCRouter>(): TRPCBuiltRouter<
  {
    ctx: object;
    meta: object;
    errorShape: {
      [K in keyof ErrorShape<TRouter>]: K extends "data"
        ? {
            [F in keyof ErrorShape<TRouter>["data"]]: F extends "zodError"
              ? { [Z in keyof ZodErrors<TRouter>]: ZodErrors<TRouter>[Z] } | null
              : ErrorShape<TRouter>["data"][F];
          }
        : ErrorShape<TRouter>[K];
    };
    transformer: RootTypes<TRouter>["transformer"];
  },
  {
    [D in keyof Domains<TRouter>]: {
      [P in keyof Domains<TRouter>[D]]: Domains<TRouter>[D][P] extends TRPCQueryProcedure<infer T>
        ? TRPCQueryProcedure<{ input: T["input"]; output: T["output"]; meta: object }>
        : Domains<TRouter>[D][P] extends TRPCMutationProcedure<infer T>
          ? TRPCMutationProcedure<{ input: T["input"]; output: T["output"]; meta: object }>
          : Domains<TRouter>[D][P] extends TRPCSubscriptionProcedure<infer T>
            ? TRPCSubscriptionProcedure<{ input: T["input"]; output: T["output"]; meta: object }>
            : never;
    };
  }
>;

export const appRouter = clientView<ServerRouter>();
export type AppRouter = typeof appRouter;

// A procedure nested deeper than domain.verb would become `never` above: this fails to compile then.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
type _SameInputs = Assert<Same<inferRouterInputs<ServerRouter>, inferRouterInputs<AppRouter>>>;
type _SameOutputs = Assert<Same<inferRouterOutputs<ServerRouter>, inferRouterOutputs<AppRouter>>>;

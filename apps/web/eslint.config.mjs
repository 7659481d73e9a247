import next from "@parley/eslint-config/next";

export default [...next, { ignores: ["build-server.mjs"] }];

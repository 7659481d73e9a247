import type { Logger } from "../logger";

/** Where one-time codes go. Console in development, Twilio in production. */
export type SmsSender = {
  send(to: string, body: string): Promise<void>;
};

export function createConsoleSmsSender(log: Logger): SmsSender {
  return {
    send: async (to, body) => {
      // Development only: the code is meant to be read from the terminal.
      log.info({ to, sms: body }, `SMS to ${to}: ${body}`);
    },
  };
}

export type TwilioOptions = { accountSid: string; authToken: string; from: string; apiUrl: string };

export class SmsDeliveryError extends Error {
  override name = "SmsDeliveryError";
}

export function createTwilioSmsSender(options: TwilioOptions, fetchImpl: typeof fetch = fetch): SmsSender {
  const url = `${options.apiUrl.replace(/\/$/, "")}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString("base64")}`;
  return {
    send: async (to, body) => {
      const response = await fetchImpl(url, {
        method: "POST",
        headers: { authorization, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ To: to, From: options.from, Body: body }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) {
        const detail = await response.text().catch(() => "");
        throw new SmsDeliveryError(`Twilio answered ${response.status}: ${detail.slice(0, 300)}`);
      }
    },
  };
}

"use client";

import { useState } from "react";

import type { PublicProfile } from "@parley/sdk";
import { phoneNumberSchema } from "@parley/validators";

import { toApiProblem, validationMessage } from "~/lib/api-error";

import { useChatEngine } from "./chat-engine";

/**
 * Finding someone on Parley by their exact phone number: the number typed,
 * its validation message, the lookup's error and whether it is under way.
 */
export function usePhoneLookup(initialPhone = "") {
  const engine = useChatEngine();
  const [phone, setPhone] = useState(initialPhone);
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [error, setError] = useState<string | null>(null);
  const [isSearching, setIsSearching] = useState(false);

  /** Checks the number, then looks it up; `onFound` may turn the person down by returning why. */
  async function lookup(onFound: (profile: PublicProfile) => string | undefined) {
    setError(null);
    const number = phoneNumberSchema.safeParse(phone);
    setFieldError(validationMessage(phoneNumberSchema, phone));
    if (!number.success) return;
    setIsSearching(true);
    try {
      const profile = await engine.findUser(number.data);
      const refusal = onFound(profile);
      if (refusal) setError(refusal);
    } catch (cause) {
      setError(toApiProblem(cause).message);
    } finally {
      setIsSearching(false);
    }
  }

  return { phone, setPhone, fieldError, error, isSearching, lookup };
}

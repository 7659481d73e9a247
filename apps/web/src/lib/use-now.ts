"use client";

import { useEffect, useState } from "react";

/** The current time, refreshed now and then, for "Yesterday" and "last seen" labels that age. */
export function useNow(intervalMs = 30_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

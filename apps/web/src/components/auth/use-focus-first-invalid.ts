"use client";

import { useEffect, type RefObject } from "react";

/** After a failed submit, put the caret in the first field that needs fixing. */
export function useFocusFirstInvalid(formRef: RefObject<HTMLFormElement | null>, errors: object) {
  useEffect(() => {
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [formRef, errors]);
}

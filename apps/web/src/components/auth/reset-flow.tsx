"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRef, useState, type FormEvent } from "react";

import { phoneNumberSchema } from "@parley/validators";

import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { PhoneField } from "~/components/ui/phone-field";
import { toApiProblem, validationMessage } from "~/lib/api-error";
import { useTRPC } from "~/trpc/react";

import { AuthHeading } from "./auth-heading";
import { useFocusFirstInvalid } from "./use-focus-first-invalid";
import { VerifyCodeForm } from "./verify-code-form";

type Sent = { phoneNumber: string; expiresInSeconds: number };

export function ResetFlow({ initialPhone, showConsoleHint }: { initialPhone: string; showConsoleHint: boolean }) {
  const trpc = useTRPC();
  const requestReset = useMutation(trpc.auth.requestPasswordReset.mutationOptions());
  const resetPassword = useMutation(trpc.auth.resetPassword.mutationOptions());
  const [phone, setPhone] = useState(initialPhone);
  const [sent, setSent] = useState<Sent | null>(null);

  if (!sent) {
    return (
      <ResetRequestForm
        phone={phone}
        onPhoneChange={setPhone}
        request={async (phoneNumber) => {
          const { otp_expires_in } = await requestReset.mutateAsync({ phone_number: phoneNumber });
          setSent({ phoneNumber, expiresInSeconds: otp_expires_in });
        }}
      />
    );
  }

  return (
    <VerifyCodeForm
      title="Choose a new password"
      phoneNumber={sent.phoneNumber}
      expiresInSeconds={sent.expiresInSeconds}
      passwordLabel="New password"
      confirmLabel="Confirm new password"
      submitLabel="Reset password"
      showConsoleHint={showConsoleHint}
      signInFailedMessage="Your password was changed, but we couldn't sign you in here."
      onBack={() => setSent(null)}
      resend={() => requestReset.mutateAsync({ phone_number: sent.phoneNumber })}
      submit={({ otp, password }) => resetPassword.mutateAsync({ phone_number: sent.phoneNumber, otp, password })}
    />
  );
}

type ResetRequestFormProps = {
  phone: string;
  onPhoneChange: (value: string) => void;
  request: (phoneNumber: string) => Promise<void>;
};

function ResetRequestForm({ phone, onPhoneChange, request }: ResetRequestFormProps) {
  const formRef = useRef<HTMLFormElement>(null);
  const [errors, setErrors] = useState<{ phone?: string }>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [isPending, setIsPending] = useState(false);
  useFocusFirstInvalid(formRef, errors);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFormError(null);
    const number = phoneNumberSchema.safeParse(phone);
    setErrors({ phone: validationMessage(phoneNumberSchema, phone) });
    if (!number.success) return;

    setIsPending(true);
    try {
      await request(number.data);
    } catch (error) {
      const problem = toApiProblem(error);
      if (problem.fieldErrors.phone_number) setErrors({ phone: problem.fieldErrors.phone_number });
      else setFormError(problem.message);
      setIsPending(false);
    }
  }

  return (
    <>
      <AuthHeading title="Reset your password">
        <p>Enter the number of your Parley account and we&apos;ll text you a code.</p>
      </AuthHeading>
      <form ref={formRef} onSubmit={(event) => void handleSubmit(event)} noValidate className="space-y-5">
        {formError && <Alert>{formError}</Alert>}
        <PhoneField value={phone} onValueChange={onPhoneChange} error={errors.phone} autoFocus />
        <Button type="submit" pending={isPending}>
          Send code
        </Button>
      </form>
      <p className="mt-8 text-center text-sm text-ink-muted">
        Remembered it?{" "}
        <Link href="/login" className="font-medium text-accent-strong hover:underline">
          Log in
        </Link>
      </p>
    </>
  );
}

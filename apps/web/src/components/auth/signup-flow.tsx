"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRef, useState, type FormEvent } from "react";

import { fullNameSchema, phoneNumberSchema } from "@parley/validators";

import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { PhoneField } from "~/components/ui/phone-field";
import { TextField } from "~/components/ui/text-field";
import { toApiProblem, validationMessage, type ApiProblem } from "~/lib/api-error";
import { useTRPC } from "~/trpc/react";

import { AuthHeading } from "./auth-heading";
import { useFocusFirstInvalid } from "./use-focus-first-invalid";
import { VerifyCodeForm } from "./verify-code-form";

type Sent = { phoneNumber: string; fullName: string; expiresInSeconds: number };

export function SignupFlow({ showConsoleHint }: { showConsoleHint: boolean }) {
  const trpc = useTRPC();
  const register = useMutation(trpc.auth.register.mutationOptions());
  const verifyOtp = useMutation(trpc.auth.verifyOtp.mutationOptions());
  const [fullName, setFullName] = useState("");
  const [phone, setPhone] = useState("");
  const [sent, setSent] = useState<Sent | null>(null);

  if (!sent) {
    return (
      <SignupDetailsForm
        fullName={fullName}
        phone={phone}
        onFullNameChange={setFullName}
        onPhoneChange={setPhone}
        register={async (input) => {
          const { otp_expires_in } = await register.mutateAsync({
            phone_number: input.phoneNumber,
            full_name: input.fullName,
          });
          setSent({ ...input, expiresInSeconds: otp_expires_in });
        }}
      />
    );
  }

  return (
    <VerifyCodeForm
      title="Verify your number"
      phoneNumber={sent.phoneNumber}
      expiresInSeconds={sent.expiresInSeconds}
      passwordLabel="Password"
      confirmLabel="Confirm password"
      submitLabel="Create account"
      showConsoleHint={showConsoleHint}
      signInFailedMessage="Your account is ready, but we couldn't sign you in here."
      onBack={() => setSent(null)}
      resend={() => register.mutateAsync({ phone_number: sent.phoneNumber, full_name: sent.fullName })}
      submit={({ otp, password }) => verifyOtp.mutateAsync({ phone_number: sent.phoneNumber, otp, password })}
    />
  );
}

type DetailsErrors = { fullName?: string; phone?: string };

type SignupDetailsFormProps = {
  fullName: string;
  phone: string;
  onFullNameChange: (value: string) => void;
  onPhoneChange: (value: string) => void;
  register: (input: { phoneNumber: string; fullName: string }) => Promise<void>;
};

function SignupDetailsForm({ fullName, phone, onFullNameChange, onPhoneChange, register }: SignupDetailsFormProps) {
  const formRef = useRef<HTMLFormElement>(null);
  const [errors, setErrors] = useState<DetailsErrors>({});
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [isPending, setIsPending] = useState(false);
  useFocusFirstInvalid(formRef, errors);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setProblem(null);
    const name = fullNameSchema.safeParse(fullName);
    const number = phoneNumberSchema.safeParse(phone);
    const found: DetailsErrors = {
      fullName: validationMessage(fullNameSchema, fullName),
      phone: validationMessage(phoneNumberSchema, phone),
    };
    setErrors(found);
    if (!name.success || !number.success) return;

    setIsPending(true);
    try {
      await register({ phoneNumber: number.data, fullName: name.data });
    } catch (error) {
      const apiProblem = toApiProblem(error);
      const { full_name, phone_number } = apiProblem.fieldErrors;
      if (full_name || phone_number) setErrors({ fullName: full_name, phone: phone_number });
      else setProblem(apiProblem);
      setIsPending(false);
    }
  }

  const normalized = phoneNumberSchema.safeParse(phone);
  const phoneQuery = normalized.success ? `?phone=${encodeURIComponent(normalized.data)}` : "";

  return (
    <>
      <AuthHeading title="Create your account">
        <p>We&apos;ll text you a code to check it&apos;s your number.</p>
      </AuthHeading>
      <form ref={formRef} onSubmit={(event) => void handleSubmit(event)} noValidate className="space-y-5">
        {problem && (
          <Alert>
            <p>{problem.message}</p>
            {problem.code === "CONFLICT" && (
              <p className="mt-1.5 flex gap-4 font-medium">
                <Link href={`/login${phoneQuery}`} className="underline">
                  Log in
                </Link>
                <Link href={`/reset${phoneQuery}`} className="underline">
                  Reset password
                </Link>
              </p>
            )}
          </Alert>
        )}
        <TextField
          label="Your name"
          autoComplete="name"
          autoCapitalize="words"
          placeholder="Ada Lovelace"
          value={fullName}
          onChange={(event) => onFullNameChange(event.target.value)}
          error={errors.fullName}
          hint="Shown to the people you chat with"
          maxLength={255}
          autoFocus
        />
        <PhoneField value={phone} onValueChange={onPhoneChange} error={errors.phone} />
        <Button type="submit" pending={isPending}>
          Continue
        </Button>
      </form>
      <p className="mt-8 text-center text-sm text-ink-muted">
        Already have an account?{" "}
        <Link href="/login" className="font-medium text-accent-strong hover:underline">
          Log in
        </Link>
      </p>
    </>
  );
}

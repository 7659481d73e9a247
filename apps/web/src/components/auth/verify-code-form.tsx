"use client";

import { useRef, useState, type FormEvent } from "react";
import Link from "next/link";

import { otpSchema, passwordSchema } from "@parley/validators";

import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { CodeInput } from "~/components/ui/code-input";
import { PasswordField } from "~/components/ui/password-field";
import { toApiProblem, validationMessage } from "~/lib/api-error";
import { formatPhoneNumber } from "~/lib/phone";

import { AuthHeading } from "./auth-heading";
import { ConsoleSmsHint } from "./console-sms-hint";
import { ResendCode } from "./resend-code";
import { useFinishSignIn } from "./use-finish-sign-in";
import { useFocusFirstInvalid } from "./use-focus-first-invalid";

type Errors = { otp?: string; password?: string; confirm?: string };

type VerifyCodeFormProps = {
  title: string;
  phoneNumber: string;
  expiresInSeconds: number;
  passwordLabel: string;
  confirmLabel: string;
  submitLabel: string;
  showConsoleHint: boolean;
  /** What to say when the API accepted the code but next-auth did not start a session. */
  signInFailedMessage: string;
  onBack: () => void;
  resend: () => Promise<unknown>;
  submit: (input: { otp: string; password: string }) => Promise<{ token: string }>;
};

function confirmationMessage(password: string, confirm: string): string | undefined {
  if (!password) return undefined;
  if (!confirm) return "Enter the password again";
  return confirm === password ? undefined : "The passwords don't match";
}

/** Step two of sign-up and of password reset: the SMS code and a password. */
export function VerifyCodeForm(props: VerifyCodeFormProps) {
  const { title, phoneNumber, expiresInSeconds, passwordLabel, confirmLabel, submitLabel, onBack } = props;
  const formRef = useRef<HTMLFormElement>(null);
  const [otp, setOtp] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [isPending, setIsPending] = useState(false);
  const finishSignIn = useFinishSignIn();
  useFocusFirstInvalid(formRef, errors);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFormError(null);
    const found: Errors = {
      otp: validationMessage(otpSchema, otp),
      password: validationMessage(passwordSchema, password),
      confirm: confirmationMessage(password, confirm),
    };
    setErrors(found);
    if (found.otp || found.password || found.confirm) return;

    setIsPending(true);
    try {
      const { token } = await props.submit({ otp, password });
      if (await finishSignIn(token)) return; // Stays pending while the chats open.
      setFormError(props.signInFailedMessage);
    } catch (error) {
      const problem = toApiProblem(error);
      const { otp: otpError, password: passwordError } = problem.fieldErrors;
      if (otpError || passwordError) setErrors({ otp: otpError, password: passwordError });
      // Without a field, a BAD_REQUEST here is about the code (wrong, expired, used).
      else if (problem.code === "BAD_REQUEST") {
        setOtp(""); // Ready for the next try without deleting six digits first.
        setErrors({ otp: problem.message });
      } else setFormError(problem.message);
    }
    setIsPending(false);
  }

  const minutes = Math.max(1, Math.round(expiresInSeconds / 60));

  return (
    <>
      <AuthHeading title={title}>
        <p>
          Enter the code sent to{" "}
          <strong className="font-semibold whitespace-nowrap text-ink">{formatPhoneNumber(phoneNumber)}</strong>. It
          expires in {minutes} {minutes === 1 ? "minute" : "minutes"}.{" "}
          <button
            type="button"
            onClick={onBack}
            className="cursor-pointer font-medium text-accent-strong hover:underline"
          >
            Wrong number?
          </button>
        </p>
      </AuthHeading>

      <form ref={formRef} onSubmit={(event) => void handleSubmit(event)} noValidate className="space-y-5">
        {formError && (
          <Alert>
            {formError}{" "}
            {formError === props.signInFailedMessage && (
              <Link href="/login" className="font-medium underline">
                Log in
              </Link>
            )}
          </Alert>
        )}
        <CodeInput label="Code" value={otp} onValueChange={setOtp} error={errors.otp} autoFocus disabled={isPending} />
        <ResendCode resend={props.resend} onResent={() => setOtp("")} />
        {props.showConsoleHint && <ConsoleSmsHint />}
        <PasswordField
          label={passwordLabel}
          autoComplete="new-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          error={errors.password}
          hint="At least 8 characters"
          disabled={isPending}
        />
        <PasswordField
          label={confirmLabel}
          autoComplete="new-password"
          value={confirm}
          onChange={(event) => setConfirm(event.target.value)}
          error={errors.confirm}
          disabled={isPending}
        />
        <Button type="submit" pending={isPending}>
          {submitLabel}
        </Button>
      </form>
    </>
  );
}

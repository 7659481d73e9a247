"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRef, useState, type FormEvent } from "react";

import { loginInput, phoneNumberSchema } from "@parley/validators";

import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { PasswordField } from "~/components/ui/password-field";
import { PhoneField } from "~/components/ui/phone-field";
import { toApiProblem, validationMessage } from "~/lib/api-error";
import { useTRPC } from "~/trpc/react";

import { AuthHeading } from "./auth-heading";
import { useFinishSignIn } from "./use-finish-sign-in";
import { useFocusFirstInvalid } from "./use-focus-first-invalid";

type Errors = { phone?: string; password?: string };

export function LoginForm({ initialPhone }: { initialPhone: string }) {
  const trpc = useTRPC();
  const login = useMutation(trpc.auth.login.mutationOptions());
  const finishSignIn = useFinishSignIn();
  const formRef = useRef<HTMLFormElement>(null);
  const [phone, setPhone] = useState(initialPhone);
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [isPending, setIsPending] = useState(false);
  useFocusFirstInvalid(formRef, errors);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFormError(null);
    const number = phoneNumberSchema.safeParse(phone);
    const found: Errors = {
      phone: validationMessage(phoneNumberSchema, phone),
      password: validationMessage(loginInput.shape.password, password),
    };
    setErrors(found);
    if (!number.success || found.password) return;

    setIsPending(true);
    try {
      const { token } = await login.mutateAsync({ phone_number: number.data, password });
      if (await finishSignIn(token)) return; // Stays pending while the chats open.
      setFormError("We couldn't start your session. Please try again.");
    } catch (error) {
      const problem = toApiProblem(error);
      const { phone_number, password: passwordError } = problem.fieldErrors;
      if (phone_number || passwordError) setErrors({ phone: phone_number, password: passwordError });
      else setFormError(problem.message);
    }
    setIsPending(false);
  }

  const normalized = phoneNumberSchema.safeParse(phone);
  const resetHref = normalized.success ? `/reset?phone=${encodeURIComponent(normalized.data)}` : "/reset";

  return (
    <>
      <AuthHeading title="Log in to Parley">
        <p>Use your phone number and password.</p>
      </AuthHeading>
      <form ref={formRef} onSubmit={(event) => void handleSubmit(event)} noValidate className="space-y-5">
        {formError && <Alert>{formError}</Alert>}
        <PhoneField value={phone} onValueChange={setPhone} error={errors.phone} autoFocus={!initialPhone} />
        <div className="space-y-2">
          <PasswordField
            label="Password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            error={errors.password}
            autoFocus={Boolean(initialPhone)}
          />
          <div className="text-right">
            <Link href={resetHref} className="text-sm font-medium text-accent-strong hover:underline">
              Forgot password?
            </Link>
          </div>
        </div>
        <Button type="submit" pending={isPending}>
          Log in
        </Button>
      </form>
      <p className="mt-8 text-center text-sm text-ink-muted">
        New to Parley?{" "}
        <Link href="/signup" className="font-medium text-accent-strong hover:underline">
          Create an account
        </Link>
      </p>
    </>
  );
}

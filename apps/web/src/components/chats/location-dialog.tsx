"use client";

import { useEffect, useState, type FormEvent } from "react";

import { LOCATION_NAME_MAX_LENGTH, type LocationInput } from "@parley/validators";

import { Alert } from "~/components/ui/alert";
import { Dialog, dialogButtonClass } from "~/components/ui/dialog";
import { Spinner } from "~/components/ui/spinner";
import { TextField } from "~/components/ui/text-field";
import { formatCoordinates } from "~/lib/chat/media";

type Located =
  | { status: "locating" }
  | { status: "found"; latitude: number; longitude: number; accuracy: number }
  | { status: "error"; message: string };

function positionError(error: GeolocationPositionError): string {
  if (error.code === error.PERMISSION_DENIED) {
    return "Parley isn't allowed to see your location. Allow location access for this site in your browser's settings, then try again.";
  }
  if (error.code === error.TIMEOUT) return "Finding your location took too long. Try again.";
  return "Your location isn't available right now. Try again in a moment.";
}

function initialState(): Located {
  if (!("geolocation" in navigator)) {
    return {
      status: "error",
      message: window.isSecureContext
        ? "This browser can't share your location."
        : "Sharing your location needs a secure (https) connection to Parley.",
    };
  }
  return { status: "locating" };
}

type LocationDialogProps = {
  onClose: () => void;
  onSend: (location: LocationInput) => void;
};

/** "Location" from the attach menu: where the browser says we are, a name if wanted, then send. */
export function LocationDialog({ onClose, onSend }: LocationDialogProps) {
  const [located, setLocated] = useState<Located>(initialState);
  const [attempt, setAttempt] = useState(0);
  const [name, setName] = useState("");
  const isLocating = located.status === "locating";

  useEffect(() => {
    if (!isLocating) return;
    let isCurrent = true;
    navigator.geolocation.getCurrentPosition(
      (position) => {
        if (!isCurrent) return;
        const { latitude, longitude, accuracy } = position.coords;
        setLocated({ status: "found", latitude, longitude, accuracy });
      },
      (error) => {
        if (isCurrent) setLocated({ status: "error", message: positionError(error) });
      },
      { enableHighAccuracy: true, timeout: 20_000, maximumAge: 60_000 },
    );
    return () => {
      isCurrent = false;
    };
  }, [isLocating, attempt]);

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (located.status !== "found") return;
    const place = name.trim();
    onSend({ latitude: located.latitude, longitude: located.longitude, ...(place ? { name: place } : {}) });
  }

  const formId = "send-location-form";
  return (
    <Dialog
      title="Send your location"
      description={
        located.status === "found" ? (
          <>
            <span className="font-medium text-ink tabular-nums" data-testid="location-preview">
              {formatCoordinates(located.latitude, located.longitude)}
            </span>
            <span className="block">Accurate to about {Math.max(1, Math.round(located.accuracy))} m.</span>
          </>
        ) : undefined
      }
      onClose={onClose}
      actions={
        <>
          <button type="button" className={dialogButtonClass()} onClick={onClose}>
            Cancel
          </button>
          {located.status === "error" ? (
            <button
              type="button"
              className={dialogButtonClass("primary")}
              onClick={() => {
                setLocated(initialState());
                setAttempt(attempt + 1);
              }}
            >
              Try again
            </button>
          ) : (
            <button
              type="submit"
              form={formId}
              className={dialogButtonClass("primary")}
              disabled={located.status !== "found"}
            >
              Send location
            </button>
          )}
        </>
      }
    >
      {located.status === "locating" && (
        <p role="status" className="mt-4 flex items-center gap-2 text-sm text-ink-muted">
          <Spinner className="size-4" />
          Finding your location…
        </p>
      )}
      {located.status === "error" && <Alert className="mt-4">{located.message}</Alert>}
      {located.status === "found" && (
        <form id={formId} onSubmit={handleSubmit} className="mt-4">
          <TextField
            label="Place name (optional)"
            value={name}
            maxLength={LOCATION_NAME_MAX_LENGTH}
            onChange={(event) => setName(event.target.value)}
            placeholder="e.g. Café de Flore"
            autoComplete="off"
          />
        </form>
      )}
    </Dialog>
  );
}

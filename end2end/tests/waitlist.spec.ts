// (b) and (c) The waitlist of a full session, first with JavaScript (actions in place), then
// without (forms posted, then a redirect back to the page). Each flow takes the first session
// still showing « 1 place restante », so the two never share one, in either order.
import { type Browser } from "@playwright/test";
import { expect, test } from "./fixtures";
import {
  ACTION,
  ONE_PLACE_LEFT,
  WAITLISTED,
  act,
  catalogueEntry,
  login,
  myUpcomingEntry,
  newPhoneContext,
  officer,
  openSession,
  pickSession,
  waitlistPosition,
} from "./helpers";

async function waitlistFlow(browser: Browser, js: boolean, holder: number, waiter: number) {
  const holderContext = await newPhoneContext(browser, js);
  const waiterContext = await newPhoneContext(browser, js);
  try {
    const a = await holderContext.newPage();
    const b = await waiterContext.newPage();

    // The holder takes the last seat: the session becomes full.
    await login(a, officer(holder), js);
    const id = await pickSession(a, ONE_PLACE_LEFT, js);
    await openSession(a, id, js);
    await act(a, ACTION.enrol, ACTION.unenrol, js);
    await expect(await catalogueEntry(a, id, js)).toContainText("Complet");

    // The waiter joins the waitlist, first in line.
    await login(b, officer(waiter), js);
    await openSession(b, id, js);
    await act(b, ACTION.joinWaitlist, ACTION.leaveWaitlist, js);
    await expect(b.getByText(waitlistPosition(1))).toBeVisible();
    await expect(await myUpcomingEntry(b, id, js)).toContainText(WAITLISTED);

    // The holder gives the seat up: the waiter is promoted at once, so the session is full
    // again and the holder is offered the waitlist.
    await openSession(a, id, js);
    await act(a, ACTION.unenrol, ACTION.joinWaitlist, js);

    const entry = await myUpcomingEntry(b, id, js);
    await expect(entry).toContainText(/\bInscrit\b/);
  } finally {
    await holderContext.close();
    await waiterContext.close();
  }
}

test("with JavaScript, a freed seat goes to the first officer on the waitlist", async ({
  browser,
}) => {
  await waitlistFlow(browser, true, 2, 3);
});

test("without JavaScript, a freed seat goes to the first officer on the waitlist", async ({
  browser,
}) => {
  await waitlistFlow(browser, false, 4, 5);
});

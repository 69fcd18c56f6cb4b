// (a) An officer books a seat on a session with several places left.
import { expect, test } from "./fixtures";
import {
  ACTION,
  SEVERAL_PLACES_LEFT,
  login,
  myUpcomingEntry,
  officer,
  openSession,
  act,
  pickSession,
} from "./helpers";

test("an officer enrols in a session with places left and finds it in « Mes formations »", async ({
  page,
}) => {
  await login(page, officer(1), true);
  const id = await pickSession(page, SEVERAL_PLACES_LEFT, true);

  await openSession(page, id, true);
  await act(page, ACTION.enrol, ACTION.unenrol, true);

  const entry = await myUpcomingEntry(page, id, true);
  await expect(entry).toContainText(/\bInscrit\b/);
});

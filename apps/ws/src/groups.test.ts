import { describe, expect, it } from "vitest";

import { createTestDatabase } from "@parley/db/test";

import type { WsServer } from "./server";
import {
  connect,
  type Device,
  deploymentEnv,
  sendToGroup,
  signUp,
  startInstances,
  startPrivateRedis,
  type TestUser,
  useTwoInstances,
  waitFor,
} from "./test/harness";

const userText = (device: Device, groupId: number) =>
  device.groupMessages(groupId).filter((message) => !message.content.includes(" created the group "));

/** Each device got each seq once, in increasing order. */
function expectOnceInOrder(device: Device, groupId: number) {
  const seqs = device.groupMessages(groupId).map((message) => message.seq);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  expect(new Set(seqs).size).toBe(seqs.length);
}

describe("live groups across WebSocket instances", () => {
  const deployment = useTwoInstances();

  const urlFor = (index: number) => (index % 2 === 0 ? deployment.first.url : deployment.second.url);

  async function groupOf(count: number) {
    const people: TestUser[] = [];
    // Everyone knows the admin (the first), who adds them.
    for (let index = 0; index < count; index++) {
      people.push(await signUp(urlFor(index), `Member ${index}`, { knows: people.slice(0, 1) }));
    }
    const devices = people.map((person, index) => connect(person, urlFor(index)));
    // Every stream opens with group_heads once it is live: from then on nothing is missed.
    await waitFor(
      () => devices.every((device) => device.events.some(({ event }) => event.type === "group_heads")),
      "streams live",
    );
    const [admin, ...others] = people as [TestUser, ...TestUser[]];
    const group = await (devices[0] as Device).client.group.create.mutate({
      name: "Crew",
      member_ids: others.map((person) => person.id),
    });
    await waitFor(
      () => devices.every((device) => device.groupMessages(group.id).length === 1),
      "everyone hears of the group",
    );
    return { people, devices, admin, group };
  }

  it("fans concurrent messages out to every member on both instances, once each and in order, and ticks follow", async () => {
    const { devices, group } = await groupOf(8);
    try {
      const senders = devices.slice(0, 3);
      const sent = await Promise.all(
        senders.flatMap((device, who) =>
          Array.from({ length: 5 }, (_, n) => sendToGroup(device, group.id, `m${who}-${n}`)),
        ),
      );
      expect(new Set(sent.map((message) => message.seq)).size).toBe(15);
      await waitFor(
        () => devices.every((device) => userText(device, group.id).length === 15),
        "all 15 reach all 8 members",
      );
      for (const device of devices) {
        expectOnceInOrder(device, group.id);
        expect(
          userText(device, group.id)
            .map((message) => message.content)
            .sort(),
        ).toEqual(sent.map((message) => message.content).sort());
      }
      // Every member's SDK acknowledged: each sender hears "delivered" up to (at least) its own newest message.
      const lastOwnSeq = (who: number) =>
        Math.max(...sent.filter((message) => message.content?.startsWith(`m${who}-`)).map((message) => message.seq));
      await waitFor(
        () =>
          senders.every((device, who) =>
            device.events.some(
              ({ event }) =>
                event.type === "group_message_status" &&
                event.status === "delivered" &&
                event.up_to_seq >= lastOwnSeq(who),
            ),
          ),
        "delivered ticks for the senders",
      );
    } finally {
      await Promise.all(devices.map((device) => device.close()));
    }
  });

  it("brings a member who was offline up to date exactly once when they come back", async () => {
    const { people, devices, group } = await groupOf(4);
    const [ana, ben] = devices as [Device, Device, Device, Device];
    let benAgain: Device | undefined;
    try {
      await sendToGroup(ana, group.id, "while you're here");
      await waitFor(() => userText(ben, group.id).length === 1, "Ben gets the first");
      // What the device keeps to resume: its stream position and the newest seq it holds per group.
      const resumeFrom = ben.lastEventId();
      const held = Math.max(...ben.groupMessages(group.id).map((message) => message.seq));
      await ben.close();
      for (let n = 0; n < 10; n++) await sendToGroup(ana, group.id, `while away ${n}`);
      benAgain = connect(people[1] as TestUser, deployment.second.url, {
        lastEventId: resumeFrom,
        groupSeqs: [[group.id, held]],
      });
      const back = benAgain;
      await waitFor(() => userText(back, group.id).length === 10, "Ben catches up");
      await new Promise((resolve) => setTimeout(resolve, 300)); // nothing more (no repeats) trickles in
      expect(userText(back, group.id).map((message) => message.content)).toEqual(
        Array.from({ length: 10 }, (_, n) => `while away ${n}`),
      );
      expectOnceInOrder(back, group.id);
    } finally {
      await Promise.all(
        [...devices.filter((device) => device !== ben), ...(benAgain ? [benAgain] : [])].map((device) =>
          device.close(),
        ),
      );
    }
  });

  it("starts delivering to someone added while online, from the message that added them", async () => {
    const { devices, group, admin } = await groupOf(2);
    const [ana] = devices as [Device, Device];
    const dan = await signUp(deployment.second.url, "Dan", { knows: [admin] });
    const danPhone = connect(dan, deployment.second.url);
    try {
      await waitFor(() => danPhone.events.some(({ event }) => event.type === "group_heads"), "Dan's stream live");
      await ana.client.group.addMembers.mutate({ group_id: group.id, user_ids: [dan.id] });
      // Sent at once, racing Dan's stream joining the group's topic: nothing may fall in between.
      for (let n = 0; n < 5; n++) await sendToGroup(ana, group.id, `welcome ${n}`);
      await waitFor(() => userText(danPhone, group.id).length === 6, "Dan gets the added message and all five");
      expect(userText(danPhone, group.id).map((message) => message.content)).toEqual([
        "Member 0 added Dan",
        ...Array.from({ length: 5 }, (_, n) => `welcome ${n}`),
      ]);
      expectOnceInOrder(danPhone, group.id);
    } finally {
      await Promise.all([...devices, danPhone].map((device) => device.close()));
    }
  });

  it("cuts a removed member off at once: told within a second, and nothing of the group after that", async () => {
    const { people, devices, group } = await groupOf(3);
    const [ana, ben, cam] = devices as [Device, Device, Device];
    try {
      const removedAt = Date.now();
      await ana.client.group.removeMember.mutate({ group_id: group.id, user_id: (people[2] as TestUser).id });
      await waitFor(
        () => cam.events.some(({ event }) => event.type === "group_left" && event.group_id === group.id),
        "Cam is told",
        1_000,
      );
      expect(Date.now() - removedAt).toBeLessThan(1_000);

      await ben.client.group.typing.mutate({ group_id: group.id, is_typing: true });
      await sendToGroup(ana, group.id, "after Cam left");
      await waitFor(
        () => userText(ben, group.id).some((message) => message.content === "after Cam left"),
        "Ben gets it",
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(userText(cam, group.id).map((message) => message.content)).not.toContain("after Cam left");
      expect(cam.events.some(({ event }) => event.type === "group_typing")).toBe(false);
      await expect(sendToGroup(cam, group.id, "let me back")).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
      const history = await cam.client.message.listGroup.query({ group_id: group.id, limit: 50 });
      expect(history.messages.map((message) => message.content)).not.toContain("after Cam left");
    } finally {
      await Promise.all(devices.map((device) => device.close()));
    }
  });
});

describe("groups when Redis restarts", () => {
  it("delivers a group message sent while pub/sub was down once Redis is back, with no further message", async () => {
    const database = await createTestDatabase();
    const redis = await startPrivateRedis();
    const [a, b] = (await startInstances(deploymentEnv(database.url, redis.url), 2)) as [WsServer, WsServer];
    const ana = await signUp(a.url, "Ana");
    const ben = await signUp(b.url, "Ben", { knows: [ana] });
    const anaPhone = connect(ana, a.url);
    const benPhone = connect(ben, b.url);
    try {
      await waitFor(
        () => [anaPhone, benPhone].every((device) => device.events.some(({ event }) => event.type === "group_heads")),
        "streams live",
      );
      const group = await anaPhone.client.group.create.mutate({ name: "Outage", member_ids: [ben.id] });
      await sendToGroup(anaPhone, group.id, "before");
      await waitFor(() => userText(benPhone, group.id).length === 1, "before the restart");

      await redis.stop();
      // Committed to Postgres; its publish is lost with Redis down. Nothing else is sent after it.
      await sendToGroup(anaPhone, group.id, "during");
      await redis.restart();
      await waitFor(
        () => userText(benPhone, group.id).some((message) => message.content === "during"),
        "after Redis is back",
        20_000,
      );
      expect(userText(benPhone, group.id).map((message) => message.content)).toEqual(["before", "during"]);
      expectOnceInOrder(benPhone, group.id);
    } finally {
      await Promise.all([anaPhone.close(), benPhone.close()]);
      await Promise.all([a.shutdown(), b.shutdown()]);
      await redis.stop();
      await database.drop();
    }
  }, 120_000);
});

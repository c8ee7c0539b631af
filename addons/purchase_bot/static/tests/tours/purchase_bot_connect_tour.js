import { registry } from "@web/core/registry";
import { user } from "@web/core/user";

/**
 * Issue 9, tour 5 (a Forecast User): My Preferences → Telegram → Connect Telegram shows a
 * one-time deep link to the bot and its QR code. Every step finds its element by name or
 * class, never by label, so the same tour runs for a Russian-speaking user (issue 10).
 * The tour is started with the bot's username "pf_tour_bot" by TestConnectTour.
 */

function fail(message) {
    throw new Error(message);
}

const DEEP_LINK = /^https:\/\/t\.me\/pf_tour_bot\?start=[A-Za-z0-9_-]{32,64}$/;

/**
 * The journey for a user whose language is `lang`; for Russian, the preferences dialog
 * must come out in Russian (Odoo's own translations are loaded by the test).
 */
function connectSteps(lang) {
    return [
        {
            content: `The web client runs in ${lang}`,
            trigger: ".o_user_menu button",
            run() {
                if ((user.lang || "").replace("-", "_") !== lang) {
                    fail(`The user's language is ${user.lang}, not ${lang}`);
                }
            },
        },
        {
            content: "Open the user menu",
            trigger: ".o_user_menu button",
            run: "click",
        },
        {
            content: "Open My Preferences",
            trigger: "[data-menu=preferences]",
            run: "click",
        },
        {
            content: "Open the Telegram page",
            trigger: '.modal .o_notebook a[name="telegram"]',
            run: "click",
        },
        ...(lang === "ru_RU"
            ? [
                  {
                      content: "The preferences dialog is in Russian",
                      trigger: ".modal .modal-title",
                      run({ anchor }) {
                          if (!/[а-яё]/i.test(anchor.textContent)) {
                              fail(`The dialog's title is "${anchor.textContent}"`);
                          }
                      },
                  },
                  {
                      content: "The addon's own labels are Russian too (its i18n/ru.po)",
                      trigger: '.modal button[name="action_telegram_connect"]',
                      run({ anchor }) {
                          const label = anchor.textContent.trim();
                          if (label !== "Подключить Telegram") {
                              fail(`The Connect Telegram button reads "${label}"`);
                          }
                      },
                  },
              ]
            : []),
        {
            content: "Not linked yet: press Connect Telegram",
            trigger: '.modal button[name="action_telegram_connect"].btn-primary',
            run: "click",
        },
        {
            content: "The dialog shows a one-time deep link to the bot, as a link",
            trigger: '.modal .o_purchase_bot_deep_link a[href^="https://t.me/"]',
            run({ anchor }) {
                if (!DEEP_LINK.test(anchor.href) || anchor.textContent.trim() !== anchor.href) {
                    fail(`The deep link is "${anchor.textContent}" to "${anchor.href}"`);
                }
            },
        },
        {
            content: "and its QR code",
            trigger: '.modal .o_purchase_bot_qr img[src^="data:image/png;base64,"]',
            async run({ anchor }) {
                await anchor.decode();
                if (anchor.naturalWidth < 100 || anchor.naturalWidth !== anchor.naturalHeight) {
                    fail(`The QR code is ${anchor.naturalWidth}×${anchor.naturalHeight} px`);
                }
            },
        },
        {
            content: "Close the dialog",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
    ];
}

registry.category("web_tour.tours").add("purchase_bot_connect_tour", {
    steps: () => connectSteps("en_US"),
});

registry.category("web_tour.tours").add("purchase_bot_connect_tour_ru", {
    steps: () => connectSteps("ru_RU"),
});

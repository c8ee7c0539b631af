/**
 * Steps shared by the tours: opening a product from Purchase → Products, and making a plan
 * for a category from Purchase → Forecasting → Purchase Plans and computing it.
 */

/** Purchase → Products, search `name`, open its form. */
export function openProduct(name) {
    return [
        {
            content: "Open Purchase → Products",
            trigger: 'button[data-menu-xmlid="purchase.menu_purchase_products"]',
            run: "click",
        },
        {
            trigger: 'a[data-menu-xmlid="purchase.menu_procurement_partner_contact_form"]',
            run: "click",
        },
        {
            content: `Search ${name}`,
            trigger: ".o_kanban_view .o_searchview_input",
            run: `edit ${name} && press Enter`,
        },
        {
            content: `Open ${name}`,
            trigger: `.o_kanban_record:contains("${name}")`,
            run: "click",
        },
    ];
}

/** A new purchase plan limited to `category`, computed. */
export function computePlanFor(category) {
    return [
        {
            content: "Open Purchase → Forecasting → Purchase Plans",
            trigger: 'button[data-menu-xmlid="purchase_forecast.purchase_forecast_menu_root"]',
            run: "click",
        },
        {
            trigger: 'a[data-menu-xmlid="purchase_forecast.purchase_plan_menu"]',
            run: "click",
        },
        {
            content: "Create a plan",
            trigger: '.o_list_view:has(th[data-name="amount_deferred"]) .o_list_button_add',
            run: "click",
        },
        {
            content: `Limit it to ${category}`,
            trigger: '.o_form_view div[name="category_ids"] input',
            run: `edit ${category}`,
        },
        {
            trigger: `.o-autocomplete--dropdown-item a:contains("${category}")`,
            run: "click",
        },
        {
            trigger: `.o_form_view div[name="category_ids"] .o_tag:contains("${category}")`,
        },
        {
            content: "Compute the plan",
            trigger: '.o_form_view button[name="action_compute"]',
            run: "click",
        },
        {
            content: "The plan is computed",
            trigger: '.o_statusbar_status button[data-value="computed"][aria-checked="true"]',
        },
    ];
}

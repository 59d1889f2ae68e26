/* Keyboard shortcuts of the watch's stream, as in Miniflux and FreshRSS:
 *   j / k  next / previous item (focus moves to its title link; Enter opens it)
 *   m      mark the current item read or unread
 *   s      star the current item or remove its star (curators)
 *   /      go to the search field
 *   ?      show or hide the list of shortcuts
 * Single-key shortcuts can get in the way of speech input and of some assistive technologies
 * (WCAG 2.1.4): the list (a disclosure in the page) has a switch that turns them all off, "?"
 * included, remembered in this browser. They never act while a field has focus or with a
 * modifier key other than Shift. No framework, no dependency. */
(function () {
    "use strict";

    var STORAGE_KEY = "ocim.watch.shortcuts";
    var stream = document.getElementById("watch-stream");

    /* Back from marking an item (read, star, curated): its address ends with the item's title
       id; the focus returns to its link, so that the keyboard goes on from there. */
    function focusBack() {
        var target = document.getElementById(window.location.hash.slice(1));
        var back = target && stream.contains(target) ? target.querySelector("a") : null;
        if (back && !stream.contains(document.activeElement)) {
            back.focus({ preventScroll: true });
        }
    }
    if (stream && window.location.hash.indexOf("#item-") === 0) {
        /* After the admin's own scripts have run: they settle the focus when they load. */
        if (document.readyState === "complete") {
            window.setTimeout(focusBack, 0);
        } else {
            window.addEventListener("load", function () {
                window.setTimeout(focusBack, 0);
            });
        }
    }

    var help = document.getElementById("watch-keys");
    var toggle = document.getElementById("watch-keys-enabled");
    if (!help || !toggle) {
        return;
    }
    help.hidden = false; /* shown only where the shortcuts work */

    function enabled() {
        try {
            return window.localStorage.getItem(STORAGE_KEY) !== "off";
        } catch (error) {
            return true;
        }
    }

    toggle.checked = enabled();
    toggle.addEventListener("change", function () {
        try {
            window.localStorage.setItem(STORAGE_KEY, toggle.checked ? "on" : "off");
        } catch (error) {
            /* Private browsing without storage: the switch holds for this page only. */
        }
    });

    function items() {
        return stream ? Array.prototype.slice.call(stream.querySelectorAll(".watch-item")) : [];
    }

    function currentIndex(list) {
        var active = document.activeElement;
        for (var index = 0; index < list.length; index += 1) {
            if (list[index].contains(active)) {
                return index;
            }
        }
        return -1;
    }

    function focusItem(list, index) {
        var link = list[index].querySelector(".watch-item__title a");
        if (link) {
            link.focus();
            list[index].scrollIntoView({ block: "nearest" });
        }
    }

    function press(list, selector) {
        var index = currentIndex(list);
        if (index < 0) {
            return false;
        }
        var button = list[index].querySelector(selector);
        if (!button) {
            return false;
        }
        button.click();
        return true;
    }

    function inField(target) {
        var tag = target && target.tagName;
        return (
            tag === "INPUT" ||
            tag === "SELECT" ||
            tag === "TEXTAREA" ||
            (target && target.isContentEditable)
        );
    }

    document.addEventListener("keydown", function (event) {
        if (event.altKey || event.ctrlKey || event.metaKey || inField(event.target)) {
            return;
        }
        if (!enabled()) {
            return;
        }
        if (event.key === "?") {
            help.open = !help.open;
            if (help.open) {
                help.querySelector("summary").focus();
            }
            event.preventDefault();
            return;
        }
        var list = items();
        var index = currentIndex(list);
        var handled = true;
        switch (event.key) {
            case "j":
                if (list.length) {
                    focusItem(list, Math.min(index + 1, list.length - 1));
                }
                break;
            case "k":
                if (list.length) {
                    focusItem(list, Math.max(index - 1, 0));
                }
                break;
            case "m":
                handled = press(list, "button[data-read]");
                break;
            case "s":
                handled = press(list, "button[data-mark='starred']");
                break;
            case "/":
                var search = document.querySelector("#watch-filters input[name='q']");
                if (search) {
                    search.focus();
                    search.select();
                } else {
                    handled = false;
                }
                break;
            default:
                handled = false;
        }
        if (handled) {
            event.preventDefault();
        }
    });
})();

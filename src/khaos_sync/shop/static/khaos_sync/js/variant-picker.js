// The variant picker, live: as options are chosen, only combinations that exist
// and can be bought stay selectable, and the price, availability and basket
// button follow the choice. The form works without this script.
(function () {
  "use strict";

  var dataNode = document.getElementById("variant-data");
  var form = document.getElementById("variant_picker");
  if (!dataNode || !form) {
    return;
  }
  var data = JSON.parse(dataNode.textContent);
  var selects = Array.prototype.slice.call(form.querySelectorAll("select.variant-option"));
  var status = document.getElementById("variant_status");
  var button = document.getElementById("variant_add");

  function chosen() {
    var choice = {};
    selects.forEach(function (select) {
      if (select.value) {
        choice[select.dataset.heading] = select.value;
      }
    });
    return choice;
  }

  function matching(choice) {
    return data.variants.filter(function (variant) {
      return Object.keys(choice).every(function (code) {
        return variant.options[code] === choice[code];
      });
    });
  }

  function refreshOptions(choice) {
    selects.forEach(function (select) {
      var code = select.dataset.heading;
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.value) {
          return;
        }
        var others = Object.assign({}, choice);
        others[code] = option.value;
        var candidates = matching(others);
        var buyable = candidates.some(function (variant) { return variant.buyable; });
        option.disabled = !buyable;
        var label = option.value;
        if (candidates.length && !buyable) {
          label += " — " + (form.dataset.soldOut || "sold out");
        }
        option.textContent = label;
      });
      if (select.value && select.selectedOptions[0].disabled) {
        select.value = "";
      }
    });
  }

  function line(id, text, className) {
    var p = document.createElement("p");
    p.id = id;
    p.className = className || "";
    p.textContent = text;
    return p;
  }

  function showStatus(choice) {
    var complete = Object.keys(choice).length === selects.length;
    var variant = complete ? matching(choice)[0] : null;
    status.textContent = "";
    if (variant) {
      status.appendChild(line("variant_price", variant.price, "price_color"));
      status.appendChild(
        line("variant_availability", variant.availability, "availability " + variant.code)
      );
    } else {
      status.appendChild(line("variant_availability", form.dataset.prompt || ""));
    }
    button.disabled = !(variant && variant.buyable);
  }

  function update() {
    refreshOptions(chosen());
    showStatus(chosen());
  }

  selects.forEach(function (select) {
    select.addEventListener("change", update);
  });
  update();
})();
